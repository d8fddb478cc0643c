const response = await ld.request({
  url: 'https://api.weather.example.com/v1/me',
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
if (response.status !== 200) throw new Error(`the API key was refused (${response.status})`);
return response.json;
